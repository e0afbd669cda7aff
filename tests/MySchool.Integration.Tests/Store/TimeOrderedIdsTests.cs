using System.Collections.Concurrent;
using MySchool.Integration.Core.Store;

namespace MySchool.Integration.Tests.Store;

/// <summary>The ids writers give new rows: RFC 9562 version 7, ordered by their millisecond, never repeated.</summary>
public class TimeOrderedIdsTests
{
    [Fact]
    public void Next_IsVersion7OfTheRfcVariant_CarryingItsMillisecond()
    {
        var at = new DateTimeOffset(2026, 12, 2, 9, 30, 15, 123, TimeSpan.Zero);

        var id = TimeOrderedIds.Next(at);

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
        var bytes = id.ToByteArray(bigEndian: true);
        Assert.Equal(at.ToUnixTimeMilliseconds(), bytes.Take(6).Aggregate(0L, (value, b) => (value << 8) | b));
    }

    [Fact]
    public void Next_OfALaterMillisecond_SortsAfter_AsPostgreSqlOrdersUuids()
    {
        var at = DateTimeOffset.UtcNow;

        var ids = Enumerable.Range(0, 1000).Select(i => TimeOrderedIds.Next(at.AddMilliseconds(i))).ToList();

        // PostgreSQL orders uuids by their bytes in network order, as Guid's big-endian comparison does.
        Assert.Equal(ids, ids.OrderBy(id => Convert.ToHexString(id.ToByteArray(bigEndian: true)), StringComparer.Ordinal));
    }

    [Fact]
    public void Next_ManyInOneMillisecond_OnManyThreads_NeverRepeats()
    {
        var at = DateTimeOffset.UtcNow;
        var ids = new ConcurrentBag<Guid>();

        // More than one block of random bytes a thread, so refills are crossed too.
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                ids.Add(TimeOrderedIds.Next(at));
            }
        });

        Assert.Equal(40_000, ids.Distinct().Count());
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MySchool.Integration.Core.Store;

/// <summary>
/// UUIDv7 ids (RFC 9562: 48 bits of Unix milliseconds, then 74 random bits) for the rows a writer creates, so primary
/// keys grow at their right edge. <see cref="Guid.CreateVersion7()"/> asks the kernel for its random bits once an id:
/// a system call of ~2 µs on this machine class, a quarter of the gateway's CPU in a million-mark push. These ids take
/// theirs from a per-thread block of cryptographically strong bytes, refilled once every 256 ids.
/// </summary>
public static class TimeOrderedIds
{
    private const int IdsPerRefill = 256;

    [ThreadStatic]
    private static byte[]? _random;

    [ThreadStatic]
    private static int _used;

    public static Guid Next() => Next(DateTimeOffset.UtcNow);

    public static Guid Next(DateTimeOffset now)
    {
        var random = _random ??= new byte[16 * IdsPerRefill];
        if (_used == 0)
        {
            RandomNumberGenerator.Fill(random);
        }

        Span<byte> id = stackalloc byte[16];
        random.AsSpan(_used * 16, 16).CopyTo(id);
        _used = (_used + 1) % IdsPerRefill;

        Span<byte> milliseconds = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(milliseconds, now.ToUnixTimeMilliseconds());
        milliseconds[2..].CopyTo(id);
        id[6] = (byte)(0x70 | (id[6] & 0x0F)); // version 7
        id[8] = (byte)(0x80 | (id[8] & 0x3F)); // variant 10
        return new Guid(id, bigEndian: true);
    }
}

namespace MySchool.Integration.Mocks.Synthetic;

/// <summary>
/// Stateless pseudo-randomness: the same seed and keys always give the same number, so any lesson's marks can
/// be recomputed on demand instead of stored (that is how one process serves a 300,000-student region).
/// </summary>
internal static class Deterministic
{
    /// <summary>SplitMix64 over the seed and the keys.</summary>
    public static ulong Hash(int seed, long a, long b = 0, long c = 0)
    {
        var x = (ulong)seed * 0x9E3779B97F4A7C15UL;
        x = Mix(x ^ (ulong)a);
        x = Mix(x ^ (ulong)b);
        return Mix(x ^ (ulong)c);
    }

    /// <summary>A number in [0, bound).</summary>
    public static int Below(int bound, int seed, long a, long b = 0, long c = 0) => (int)(Hash(seed, a, b, c) % (ulong)bound);

    public static T Pick<T>(IReadOnlyList<T> items, int seed, long a, long b = 0, long c = 0) => items[Below(items.Count, seed, a, b, c)];

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

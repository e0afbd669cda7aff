using System.Collections.Concurrent;

namespace MySchool.Integration.Mocks.Faults;

/// <summary>
/// The faults armed on one mock system: each kind fires for the next N calls it applies to, then disarms.
/// Tests arm them through the admin endpoint and name the fault they inject.
/// </summary>
public sealed class FaultBoard(IReadOnlyCollection<string> kinds)
{
    private readonly ConcurrentDictionary<string, int> _remaining = new(StringComparer.Ordinal);

    /// <summary>Every fault this system can produce (its contract page's list).</summary>
    public IReadOnlyCollection<string> Kinds { get; } = kinds;

    public IReadOnlyDictionary<string, int> Armed => _remaining;

    /// <summary>Arms a fault for <paramref name="calls"/> calls; false for a kind this system does not know.</summary>
    public bool Arm(string kind, int calls)
    {
        if (!Kinds.Contains(kind) || calls < 1)
        {
            return false;
        }

        _remaining[kind] = calls;
        return true;
    }

    public void Reset() => _remaining.Clear();

    public bool IsArmed(string kind) => _remaining.TryGetValue(kind, out var left) && left > 0;

    /// <summary>True when the fault is armed, using up one of its calls.</summary>
    public bool TryFire(string kind)
    {
        while (_remaining.TryGetValue(kind, out var left))
        {
            if (left <= 1 ? _remaining.TryRemove(new KeyValuePair<string, int>(kind, left)) : _remaining.TryUpdate(kind, left - 1, left))
            {
                return true;
            }
        }

        return false;
    }
}

namespace MySchool.Integration.Core.Rules;

/// <summary>
/// Why a value was refused: a stable code a program can act on, and a Russian message an operator reads
/// on the dashboard and in quarantine.
/// </summary>
public sealed record Rejection(string Code, string Message)
{
    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>
/// The outcome of applying a rule to raw input. Rules never throw on bad input (Polly's habit):
/// they return either a value or the reason it was refused.
/// </summary>
public readonly record struct Checked<T>
{
    private Checked(T? value, Rejection? rejection)
    {
        Value = value;
        Rejection = rejection;
    }

    public T? Value { get; }

    public Rejection? Rejection { get; }

    public bool IsValid => Rejection is null;

    public static Checked<T> Valid(T value) => new(value, null);

    public static Checked<T> Refused(string code, string message) => new(default, new Rejection(code, message));

    /// <summary>The value of a valid outcome; a programming error on a refused one.</summary>
    public T Require() => IsValid
        ? Value!
        : throw new InvalidOperationException($"Value was refused: {Rejection}");
}

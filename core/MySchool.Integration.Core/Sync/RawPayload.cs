namespace MySchool.Integration.Core.Sync;

/// <summary>
/// A source record as it arrived, kept for quarantine. A push renders its records from protobuf only when one is
/// refused: most never are, and rendering every mark to JSON cost the push more CPU than writing it.
/// </summary>
public sealed class RawPayload
{
    private readonly Func<string>? _render;
    private string? _text;

    public RawPayload(Func<string> render) => _render = render;

    private RawPayload(string text) => _text = text;

    /// <summary>The record's text, rendered on first use.</summary>
    public string Text => _text ??= _render!();

    public static implicit operator RawPayload(string text) => new(text);

    public override string ToString() => Text;
}

namespace MySchool.Integration.Testing;

/// <summary>
/// SOAP bodies for the exchange endpoint: a push envelope in either version, and the hostile and careless bodies
/// the guard in front of SoapCore must refuse (the security tests assert the refusals, the benchmark their cost).
/// </summary>
public static class SoapCorpus
{
    public const string Namespace = "urn:myschool:exchange:v1";

    public static readonly string[] Names =
    [
        "nested-100000-levels", "nested-50-levels", "billion-laughs", "internal-dtd-entity", "text-of-15-mb", "attribute-of-2-mb",
        "malformed-xml", "empty-body", "json-body", "not-an-envelope", "envelope-without-operation", "unknown-operation", "operation-in-a-wrong-namespace",
    ];

    /// <summary>A Push call's envelope around <paramref name="body"/>, SOAP 1.1 or 1.2.</summary>
    public static string Envelope(string version, string body) => version == "1.1"
        ? $"""<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Push xmlns="{Namespace}">{body}</Push></soap:Body></soap:Envelope>"""
        : $"""<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><Push xmlns="{Namespace}">{body}</Push></soap:Body></soap:Envelope>""";

    /// <summary>A hostile or careless body by name (<see cref="Names"/>).</summary>
    public static string Body(string name) => name switch
    {
        "nested-100000-levels" => Push(string.Concat(Enumerable.Repeat("<a>", 100_000)) + string.Concat(Enumerable.Repeat("</a>", 100_000))),
        "nested-50-levels" => Push(string.Concat(Enumerable.Repeat("<a>", 50)) + string.Concat(Enumerable.Repeat("</a>", 50))),
        "billion-laughs" => """<!DOCTYPE r [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>""" + Push("<request><IdempotencyKey>&lol4;</IdempotencyKey></request>"),
        "internal-dtd-entity" => """<!DOCTYPE r [<!ENTITY x "expanded">]>""" + Push("<request><IdempotencyKey>&x;</IdempotencyKey></request>"),
        "text-of-15-mb" => Push($"<request><IdempotencyKey>{new string('x', 15 * 1024 * 1024)}</IdempotencyKey></request>"),
        "attribute-of-2-mb" => Push($"<request a=\"{new string('x', 2 * 1024 * 1024)}\"><IdempotencyKey>k</IdempotencyKey></request>"),
        "malformed-xml" => Push("<request><IdempotencyKey>k</request>"),
        "empty-body" => "",
        "json-body" => """{"idempotencyKey":"k","regionCode":"54"}""",
        "not-an-envelope" => "<Push xmlns=\"urn:myschool:exchange:v1\"><request/></Push>",
        "envelope-without-operation" => """<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>""",
        "unknown-operation" => """<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><DropAll xmlns="urn:myschool:exchange:v1"/></soap:Body></soap:Envelope>""",
        "operation-in-a-wrong-namespace" => """<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Push xmlns="urn:elsewhere"><request/></Push></soap:Body></soap:Envelope>""",
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static string Push(string content) => Envelope("1.1", content);
}

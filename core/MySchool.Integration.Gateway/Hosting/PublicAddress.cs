namespace MySchool.Integration.Gateway.Hosting;

/// <summary>
/// The address people and ESIA reach the gateway at, for every absolute URL it writes (login and logout return
/// addresses, links in mails): <c>Gateway:PublicUrl</c>. A request's own Host header is anyone's to forge, so it is
/// used only when no public address is configured (a developer's machine, the tests).
/// </summary>
public static class PublicAddress
{
    public static Uri Of(HttpContext context) =>
        context.RequestServices.GetRequiredService<IConfiguration>()["Gateway:PublicUrl"] is { Length: > 0 } configured
            ? new Uri(configured.EndsWith('/') ? configured : configured + "/")
            : new Uri($"{context.Request.Scheme}://{context.Request.Host}/");
}

namespace MySchool.Integration.Gateway.Hosting;

/// <summary>
/// The address people, ESIA and vendors' toolkits reach the gateway at: <c>Gateway:PublicUrl</c>. A request's own
/// Host header is anyone's to forge, and behind a TLS balancer its scheme is http, so when a public address is
/// configured every request takes its scheme and host before anything reads them: the login and logout return
/// addresses, links in mails, the WSDL's soap:address, OpenAPI's servers and cookies' Secure flag all follow it.
/// Without one (a developer's machine, most tests) the request's own are used.
/// </summary>
public static class PublicAddress
{
    public static IApplicationBuilder UsePublicAddress(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetRequiredService<IConfiguration>()["Gateway:PublicUrl"] is not { Length: > 0 } configured)
        {
            return app;
        }

        var address = new Uri(configured);
        var host = new HostString(address.Authority); // without a default port, as browsers write it
        return app.Use((context, next) =>
        {
            context.Request.Scheme = address.Scheme;
            context.Request.Host = host;
            return next(context);
        });
    }

    public static Uri Of(HttpContext context) => new($"{context.Request.Scheme}://{context.Request.Host}/");
}

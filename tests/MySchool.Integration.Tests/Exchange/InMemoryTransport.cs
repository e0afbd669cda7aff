using System.ServiceModel.Channels;
using System.ServiceModel.Description;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>Routes the client's HTTP through the test server's handler and adds the token (WCF's hook for custom handlers).</summary>
internal sealed class InMemoryTransport(HttpMessageHandler server, string token) : IEndpointBehavior
{
    public void AddBindingParameters(ServiceEndpoint endpoint, BindingParameterCollection bindingParameters) =>
        bindingParameters.Add(new Func<HttpClientHandler, HttpMessageHandler>(_ => new Bearer(server, token)));

    public void ApplyClientBehavior(ServiceEndpoint endpoint, System.ServiceModel.Dispatcher.ClientRuntime clientRuntime)
    {
    }

    public void ApplyDispatchBehavior(ServiceEndpoint endpoint, System.ServiceModel.Dispatcher.EndpointDispatcher endpointDispatcher)
    {
    }

    public void Validate(ServiceEndpoint endpoint)
    {
    }
}

internal sealed class Bearer(HttpMessageHandler inner, string token) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new("Bearer", token);
        return base.SendAsync(request, cancellationToken);
    }
}

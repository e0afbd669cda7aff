using System.ServiceModel;
using System.ServiceModel.Channels;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>
/// A SOAP client built from the served WSDL alone, as a toolkit that shares no code with the gateway would be: the
/// address, the SOAP action and the message shapes come from the WSDL, every request and reply is validated against
/// the WSDL's schema, and System.ServiceModel's channel layer carries the messages.
/// </summary>
public sealed class WsdlClient : IDisposable
{
    private static readonly XNamespace Wsdl = "http://schemas.xmlsoap.org/wsdl/";
    private static readonly XNamespace Soap = "http://schemas.xmlsoap.org/wsdl/soap/";
    private static readonly XNamespace Xsd = "http://www.w3.org/2001/XMLSchema";

    private readonly XDocument _wsdl;
    private readonly XmlSchemaSet _schemas = new();
    private readonly ChannelFactory<IRequestChannel> _factory;

    public WsdlClient(XDocument wsdl, HttpMessageHandler transport, string token)
    {
        _wsdl = wsdl;
        Namespace = wsdl.Root!.Attribute("targetNamespace")!.Value;
        foreach (var schema in wsdl.Descendants(Xsd + "schema"))
        {
            _schemas.Add(XmlSchema.Read(schema.CreateReader(), null)!);
        }

        _schemas.Compile();
        var address = wsdl.Descendants(Soap + "address").First().Attribute("location")!.Value;
        _factory = new ChannelFactory<IRequestChannel>(new BasicHttpBinding { MaxReceivedMessageSize = 16 * 1024 * 1024 }, new EndpointAddress(address));
        _factory.Endpoint.EndpointBehaviors.Add(new InMemoryTransport(transport, token));
    }

    public XNamespace Namespace { get; }

    /// <summary>Calls a WSDL operation with its input element; answers the output element. A fault is thrown.</summary>
    public XElement Call(string operation, XElement input)
    {
        Validate(input);
        var action = _wsdl.Descendants(Wsdl + "binding").First(b => b.Element(Soap + "binding") is not null)
            .Elements(Wsdl + "operation").Single(o => o.Attribute("name")!.Value == operation)
            .Element(Soap + "operation")!.Attribute("soapAction")!.Value;
        var channel = _factory.CreateChannel();
        channel.Open();
        try
        {
            using var reply = channel.Request(Message.CreateMessage(MessageVersion.Soap11, action, input.CreateReader()));
            if (reply.IsFault)
            {
                throw new FaultException(MessageFault.CreateFault(reply, int.MaxValue), action);
            }

            var output = (XElement)XNode.ReadFrom(reply.GetReaderAtBodyContents());
            Validate(output);
            return output;
        }
        finally
        {
            channel.Close();
        }
    }

    public XElement Element(string name, params object?[] content) => new(Namespace + name, content);

    public void Dispose() => ((IDisposable)_factory).Dispose();

    private void Validate(XElement element) =>
        new XDocument(element).Validate(_schemas, (_, error) => throw new XmlSchemaValidationException($"{element.Name.LocalName}: {error.Message}"));
}

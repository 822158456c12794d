using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Kabar.WhatsApp;

/// <summary>
/// Where the Graph API is: <c>Kabar:WhatsApp:GraphApiBaseUrl</c> when set; else, in sandbox mode,
/// the in-process simulator under this server's own address; else Meta. The simulator uses
/// <see cref="Self"/> to post its webhooks back to this server.
/// </summary>
public sealed class GraphApiEndpoint(IOptions<WhatsAppOptions> options, IServiceProvider services)
{
    public const string MetaBaseUrl = "https://graph.facebook.com";
    public const string SimulatorPrefix = "/simulator";

    /// <summary>The base URL without a trailing slash (no version segment).</summary>
    public string BaseUrl
    {
        get
        {
            var o = options.Value;
            if (!string.IsNullOrWhiteSpace(o.GraphApiBaseUrl))
            {
                return o.GraphApiBaseUrl.TrimEnd('/');
            }

            return o.SandboxMode ? Self + SimulatorPrefix : MetaBaseUrl;
        }
    }

    /// <summary>
    /// This server's first http address, with wildcard hosts replaced by the loopback address;
    /// <c>http://localhost</c> when the server has no addresses (the test host).
    /// </summary>
    public string Self
    {
        get
        {
            var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
            var first = addresses?.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                ?? addresses?.FirstOrDefault();
            return first is null ? "http://localhost" : Normalize(first);
        }
    }

    internal static string Normalize(string address)
    {
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return address.TrimEnd('/');
        }

        var hostStart = schemeEnd + 3;
        var rest = address[hostStart..];
        string host, tail;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            host = rest[..(close + 1)];
            tail = rest[(close + 1)..];
        }
        else
        {
            var colon = rest.IndexOfAny([':', '/']);
            host = colon < 0 ? rest : rest[..colon];
            tail = colon < 0 ? "" : rest[colon..];
        }

        if (host is "0.0.0.0" or "[::]" or "+" or "*")
        {
            host = "127.0.0.1";
        }

        return (address[..hostStart] + host + tail).TrimEnd('/');
    }
}

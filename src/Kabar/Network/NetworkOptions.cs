using System.Net;

namespace Kabar.Network;

/// <summary>
/// <c>Kabar:Network</c>: who may speak for a client, and which host names Kabar answers to
/// (docs/deploying.md). Empty by default: no proxy is trusted, and only the host of
/// <c>Kabar:PublicBaseUrl</c> and the loopback names are served.
/// </summary>
internal sealed class NetworkOptions
{
    public const string Section = "Kabar:Network";

    /// <summary>
    /// Addresses of the reverse proxies in front of Kabar (<c>127.0.0.1</c> for nginx or Caddy on
    /// the same machine). Only a request from one of them may set the client's address, scheme and
    /// host with <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c>.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>The same as <see cref="KnownProxies"/> for whole ranges, in CIDR notation (<c>10.0.0.0/24</c>).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>
    /// Host names Kabar answers to besides the host of <c>Kabar:PublicBaseUrl</c> and <c>localhost</c>,
    /// <c>127.0.0.1</c>, <c>[::1]</c>; any other <c>Host</c> gets 400 (a page on another site reaching
    /// Kabar through DNS rebinding). <c>*.example.id</c> allows every subdomain.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Every setting that does not parse, each naming its key and what would be accepted.</summary>
    public IEnumerable<string> Problems()
    {
        for (var i = 0; i < KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(KnownProxies[i], out _))
            {
                yield return $"{Section}:KnownProxies:{i} '{KnownProxies[i]}' is not an IP address (for example 127.0.0.1 or ::1).";
            }
        }

        for (var i = 0; i < KnownNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(KnownNetworks[i], out _))
            {
                yield return $"{Section}:KnownNetworks:{i} '{KnownNetworks[i]}' is not a network in CIDR notation (for example 10.0.0.0/24).";
            }
        }

        for (var i = 0; i < AllowedHosts.Count; i++)
        {
            var host = AllowedHosts[i];
            if (host == "*" || host.Contains('/', StringComparison.Ordinal) || host.Contains("://", StringComparison.Ordinal)
                || Uri.CheckHostName(host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host.Trim('[', ']')) == UriHostNameType.Unknown)
            {
                yield return $"{Section}:AllowedHosts:{i} '{host}' is not a host name (for example kabar.karokab.go.id or *.karokab.go.id; no scheme, path or '*').";
            }
        }
    }
}

using System.Net;

namespace Kabar.Network;

/// <summary>
/// Whether a request reached Kabar directly from this machine: the sandbox phone, the built-in
/// simulator and <c>/metrics</c> answer only such requests. A request that came through a proxy is
/// never local, whatever its socket address: a reverse proxy on the same machine connects from
/// loopback on behalf of anyone on the internet, so any forwarding header (even from an untrusted
/// sender, even one the forwarded-headers step has already applied) makes it remote.
/// </summary>
public static class LocalRequests
{
    /// <summary>The headers by which proxies speak for a client (RFC 7239 and the de facto ones).</summary>
    public static readonly string[] ProxyHeaders =
    [
        "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Forwarded-Port",
        "X-Real-IP", "X-Original-For", "X-Original-Host", "X-Original-Proto", "X-Client-IP", "True-Client-IP", "CF-Connecting-IP",
    ];

    /// <summary>
    /// Whether the request is local. Read as it arrived when <see cref="NetworkExtensions.UseKabarNetwork"/>
    /// ran first (it records the answer before the forwarded headers change the connection), else
    /// from the request as it is (the standalone simulator, which trusts no proxy).
    /// </summary>
    public static bool IsLocal(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<Arrival>() is { } arrival ? arrival.Local : AsArrived(context);
    }

    /// <summary>Loopback (or this machine's own address, or no address: an in-process test server or a Unix socket) and no proxy header.</summary>
    internal static bool AsArrived(HttpContext context)
    {
        var connection = context.Connection;
        var remote = connection.RemoteIpAddress;
        var fromHere = remote is null
            || IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote)
            || (connection.LocalIpAddress is { } local && remote.Equals(local));
        if (!fromHere)
        {
            return false;
        }

        var headers = context.Request.Headers;
        foreach (var name in ProxyHeaders)
        {
            if (headers.ContainsKey(name))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What the request looked like before anything was forwarded.</summary>
    internal sealed record Arrival(bool Local);
}

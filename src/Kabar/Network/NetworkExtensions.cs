using System.Net;
using Kabar.Common;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Kabar.Network;

/// <summary>
/// Kabar behind a reverse proxy (docs/deploying.md): ASP.NET Core's forwarded-headers handling for
/// the proxies named in <c>Kabar:Network</c>, host filtering, and the record of which requests
/// arrived directly from this machine (<see cref="LocalRequests"/>).
/// </summary>
public static class NetworkExtensions
{
    /// <summary>The names every installation answers to besides its public host: health checks on the machine itself.</summary>
    public static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    public static WebApplicationBuilder AddKabarNetwork(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptionsWithValidateOnStart<NetworkOptions>()
            .BindConfiguration(NetworkOptions.Section)
            .Services.AddSingleton<IValidateOptions<NetworkOptions>, NetworkOptionsValidator>();

        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<NetworkOptions>, IOptions<KabarOptions>>((o, network, kabar) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // ASP.NET Core trusts loopback by default; Kabar trusts nobody it is not told about.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in network.Value.KnownProxies)
            {
                if (IPAddress.TryParse(proxy, out var address))
                {
                    o.KnownProxies.Add(address);
                }
            }

            foreach (var range in network.Value.KnownNetworks)
            {
                if (System.Net.IPNetwork.TryParse(range, out var parsed))
                {
                    o.KnownIPNetworks.Add(parsed);
                }
            }

            // One proxy hop: the address the proxy itself saw. Anything a client wrote further left
            // in X-Forwarded-For is its own claim, not evidence.
            o.ForwardLimit = 1;
            o.AllowedHosts = AllowedHosts(network.Value, kabar.Value);
        });

        // The web host's own host filtering (first in the pipeline) with Kabar's list instead of "AllowedHosts".
        builder.Services.AddOptions<HostFilteringOptions>().Configure<IOptions<NetworkOptions>, IOptions<KabarOptions>>((o, network, kabar) =>
        {
            o.AllowedHosts = AllowedHosts(network.Value, kabar.Value);
            o.AllowEmptyHosts = true; // HTTP/1.0 clients without Host: a local probe, never a browser
            o.IncludeFailureMessage = false;
        });
        return builder;
    }

    /// <summary>The host of <c>Kabar:PublicBaseUrl</c>, the loopback names and <c>Kabar:Network:AllowedHosts</c>.</summary>
    internal static List<string> AllowedHosts(NetworkOptions network, KabarOptions kabar)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(kabar);
        var hosts = new List<string>(LoopbackHosts);
        if (Uri.TryCreate(kabar.PublicBaseUrl, UriKind.Absolute, out var publicUrl))
        {
            hosts.Add(publicUrl.HostNameType == UriHostNameType.IPv6 ? $"[{publicUrl.IdnHost.Trim('[', ']')}]" : publicUrl.IdnHost);
        }

        hosts.AddRange(network.AllowedHosts);
        return hosts.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>
    /// First in Kabar's pipeline: notes whether the request arrived directly from this machine, then
    /// applies the forwarded headers of a trusted proxy, so everything after sees the client's own
    /// address and scheme (consent evidence, rate limits, redirects, HSTS, <c>Secure</c> cookies).
    /// </summary>
    public static WebApplication UseKabarNetwork(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(static (context, next) =>
        {
            context.Features.Set(new LocalRequests.Arrival(LocalRequests.AsArrived(context)));
            return next(context);
        });
        app.UseForwardedHeaders();
        return app;
    }

    private sealed class NetworkOptionsValidator : IValidateOptions<NetworkOptions>
    {
        public ValidateOptionsResult Validate(string? name, NetworkOptions options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}

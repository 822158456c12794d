using Microsoft.AspNetCore.Authentication;

namespace Kabar.Auth;

/// <summary><c>Authorization: Bearer &lt;api key&gt;</c> on <c>/api/*</c>: 401 without a valid key, 403 without the right.</summary>
public static class ApiAuth
{
    public const string Scheme = "ApiKey";
    public const string ReadPolicy = "api.read";
    public const string WritePolicy = "api.write";
    public const string RightsClaim = "kabar:rights";

    public static IHostApplicationBuilder AddKabarAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddAuthentication(Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(Scheme, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()
                .RequireClaim(RightsClaim, ApiRights.Read, ApiRights.Write))
            .AddPolicy(WritePolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()
                .RequireClaim(RightsClaim, ApiRights.Write));
        return builder;
    }
}

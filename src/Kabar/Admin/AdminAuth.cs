using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Kabar.Admin;

/// <summary>
/// Sign-in for <c>/admin</c>: a cookie session (<c>__Host-kabar-admin</c>: Secure, HttpOnly,
/// SameSite=Strict) after the password and, when enrolled or required, a TOTP code. Between the
/// two steps a five-minute cookie (<c>__Host-kabar-2fa</c>) remembers who passed the first.
/// The cookie names a server-side session (<see cref="ConsoleSession"/>); every request checks that
/// the session is still open and re-reads the operator, so signing out, a disabled account or a
/// changed password, role or second factor ends the session at once, even for a copied cookie.
/// </summary>
public static class AdminAuth
{
    public const string Scheme = "KabarAdmin";
    public const string PendingScheme = "KabarAdminPending";
    public const string ViewPolicy = "admin.view";
    public const string OperatePolicy = "admin.operate";
    public const string ManagePolicy = "admin.manage";
    public const string StampClaim = "kabar:stamp";
    public const string EnrolClaim = "kabar:enrol";
    public const string SessionClaim = "kabar:session";

    public static WebApplicationBuilder AddKabarAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateDataAnnotations();
        builder.Services.AddScoped<OperatorStore>();
        builder.Services.AddScoped<ConsoleAccounts>();
        builder.Services.TryAddSingleton<IPasswordHasher<ConsoleUser>, PasswordHasher<ConsoleUser>>();
        builder.Services.AddScoped<StatsService>();
        builder.Services.AddOptionsWithValidateOnStart<StatsOptions>().BindConfiguration(StatsOptions.Section).ValidateDataAnnotations();
        builder.Services.AddSingleton<StatsRollup>();

        // Every quarter hour: yesterday's counts are final minutes after midnight, and a late
        // receipt shows on the dashboard's past days within fifteen minutes.
        builder.Services.AddSingleton(new Jobs.JobDefinition(StatsRollup.Name, "*/15 * * * *",
            (sp, now, ct) => sp.GetRequiredService<StatsRollup>().RunAsync(now, ct)));
        builder.Services.AddAuthentication()
            .AddCookie(Scheme, o =>
            {
                o.Cookie.Name = "__Host-kabar-admin";
                o.LoginPath = "/admin/login";
                o.LogoutPath = "/admin/logout";
                o.AccessDeniedPath = "/admin/denied";
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = ValidateAsync;
            })
            .AddCookie(PendingScheme, o =>
            {
                o.Cookie.Name = "__Host-kabar-2fa";
                o.LoginPath = "/admin/login";
                o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
                o.SlidingExpiration = false;
            });
        builder.Services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IOptions<AdminOptions>>((o, admin) =>
        {
            o.ExpireTimeSpan = admin.Value.SessionIdle;
            Harden(o, admin.Value);
        });
        builder.Services.AddOptions<CookieAuthenticationOptions>(PendingScheme).Configure<IOptions<AdminOptions>>((o, admin) => Harden(o, admin.Value));

        // Every page under Pages/Admin needs a signed-in operator; the sign-in pages live apart.
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.RazorPages.RazorPagesOptions>(o => o.Conventions.AuthorizeFolder("/Admin", ViewPolicy));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ViewPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireRole(OperatorRoles.All))
            .AddPolicy(OperatePolicy, p => p.AddAuthenticationSchemes(Scheme).RequireRole(OperatorRoles.Admin, OperatorRoles.Operator))
            .AddPolicy(ManagePolicy, p => p.AddAuthenticationSchemes(Scheme).RequireRole(OperatorRoles.Admin));
        return builder;
    }

    private static void Harden(CookieAuthenticationOptions o, AdminOptions admin)
    {
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.Cookie.Path = "/";
        if (admin.SecureCookies)
        {
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        }
        else
        {
            // Without Secure the __Host- prefix is refused by browsers.
            o.Cookie.Name = o.Cookie.Name!.Replace("__Host-", "", StringComparison.Ordinal);
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        }
    }

    /// <summary>Opens a server-side session for <paramref name="op"/> and issues its cookie.</summary>
    public static async Task SignInAsync(HttpContext http, OperatorStore store, ConsoleUser op)
    {
        var session = await store.StartSessionAsync(op, http.RequestAborted);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, op.Id.ToString()),
            new Claim(ClaimTypes.Name, op.Email),
            new Claim(ClaimTypes.Role, op.Role),
            new Claim(StampClaim, op.SecurityStamp),
            new Claim(SessionClaim, session),
        ], Scheme)));
    }

    /// <summary>Closes the session of this request's cookie on the server, then drops the cookies.</summary>
    public static async Task SignOutAsync(HttpContext http, OperatorStore store)
    {
        if (http.User.FindFirstValue(SessionClaim) is { } session)
        {
            await store.EndSessionAsync(session, http.RequestAborted);
        }

        await http.SignOutAsync(Scheme);
        await http.SignOutAsync(PendingScheme);
    }

    public static ClaimsPrincipal Pending(ConsoleUser op, bool enrol) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, op.Id.ToString()),
        new Claim(ClaimTypes.Name, op.Email),
        new Claim(StampClaim, op.SecurityStamp),
        new Claim(EnrolClaim, enrol ? "true" : "false"),
    ], PendingScheme));

    public static Guid? OperatorId(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal is { } p ? OperatorId(p) : null;
        var store = context.HttpContext.RequestServices.GetRequiredService<OperatorStore>();
        var op = id is { } value ? await store.FindAsync(value, context.HttpContext.RequestAborted) : null;
        var principal = context.Principal;
        var session = principal?.FindFirstValue(SessionClaim);
        if (principal is null || op is null || op.DisabledAt is not null || op.SecurityStamp != principal.FindFirstValue(StampClaim)
            || op.Role != principal.FindFirstValue(ClaimTypes.Role)
            || session is null || !await store.TouchSessionAsync(session, op.Id, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }
}

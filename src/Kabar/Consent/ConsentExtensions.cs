namespace Kabar.Consent;

public static class ConsentExtensions
{
    /// <summary>The consent ledger and the consent texts, with the built-in texts every installation starts with.</summary>
    public static IHostApplicationBuilder AddKabarConsent(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ConsentLedger>();
        builder.Services.AddScoped<ConsentTexts>();
        builder.Services.AddScoped<BuiltInConsentTexts>();
        return builder;
    }
}

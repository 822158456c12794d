namespace Kabar.Citizens;

public static class CitizenExtensions
{
    /// <summary>What the citizen pages do: registration and consent through a personal link.</summary>
    public static IHostApplicationBuilder AddKabarCitizens(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<RegistrationService>();
        builder.Services.AddScoped<LinkConsentService>();
        builder.Services.AddSingleton<StatusLinks>();
        return builder;
    }
}

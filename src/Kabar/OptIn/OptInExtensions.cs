namespace Kabar.OptIn;

public static class OptInExtensions
{
    /// <summary>The signed opt-out links that messages carry.</summary>
    public static IHostApplicationBuilder AddKabarOptIn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OptOutLinks>();
        return builder;
    }
}

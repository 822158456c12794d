namespace Kabar.Decisions;

public static class DecisionExtensions
{
    public static IHostApplicationBuilder AddKabarDecisions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DecisionInputs>();
        return builder;
    }
}

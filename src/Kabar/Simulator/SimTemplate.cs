namespace Kabar.Simulator;

/// <summary>A template as the simulator's WABA holds it.</summary>
public sealed class SimTemplate
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Language { get; init; }
    public required string Category { get; init; }
    public string ParameterFormat { get; init; } = "POSITIONAL";
    public required string BodyText { get; init; }
    public required int ParameterCount { get; init; }

    /// <summary>The FOOTER component's text, when the template has one.</summary>
    public string? Footer { get; init; }

    /// <summary>The body's parameter names: "1", "2", … for POSITIONAL, the placeholders for NAMED.</summary>
    public IReadOnlyList<string> ParameterNames { get; init; } = [];

    /// <summary>APPROVED, PAUSED, DISABLED, PENDING, REJECTED…; changed through the control API.</summary>
    public string Status { get; set; } = "APPROVED";
}

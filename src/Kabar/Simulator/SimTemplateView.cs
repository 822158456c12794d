namespace Kabar.Simulator;

internal sealed record SimTemplateView(string Name, string Language, IReadOnlyList<string> Parameters);

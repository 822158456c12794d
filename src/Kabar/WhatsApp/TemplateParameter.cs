namespace Kabar.WhatsApp;

/// <summary>One body parameter of a template send; <paramref name="Name"/> is set for named-parameter templates.</summary>
public sealed record TemplateParameter(string? Name, string Text);

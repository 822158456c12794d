namespace Kabar.Campaigns;

/// <summary>A text in Indonesian and English.</summary>
public sealed record TextRequest(string? Id, string? En);

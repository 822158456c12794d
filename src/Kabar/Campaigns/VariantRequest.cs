namespace Kabar.Campaigns;

public sealed record VariantRequest(string? Key, int? Weight, TextRequest? Sms, TextRequest? Email);

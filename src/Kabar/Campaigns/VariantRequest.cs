namespace Kabar.Campaigns;

/// <summary>One variant of an experiment: its share of the people asked and its request texts.</summary>
/// <param name="Key">The variant's name, 1 to 32 lowercase letters, digits, <c>-</c> or <c>_</c>, unique in the experiment (for example <c>a</c>).</param>
/// <param name="Weight">Its share of the people asked, a whole number 1 to 1000 relative to the others' weights (1 and 1 split evenly).</param>
/// <param name="Sms">The SMS text in both languages; leave it out for the standard text.</param>
/// <param name="Email">The e-mail text in both languages; leave it out for the standard text.</param>
public sealed record VariantRequest(string? Key, int? Weight, TextRequest? Sms, TextRequest? Email);

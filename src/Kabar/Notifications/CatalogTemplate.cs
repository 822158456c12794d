namespace Kabar.Notifications;

/// <summary>
/// A notification type's WhatsApp template in the office's catalog: the name and parameter format
/// Kabar sends it under (<c>Kabar:Templates:{type}</c>), Meta's category and the texts by language.
/// </summary>
public sealed record CatalogTemplate(
    string Type,
    string Name,
    bool Named,
    string Category,
    IReadOnlyDictionary<string, CatalogText> Languages);

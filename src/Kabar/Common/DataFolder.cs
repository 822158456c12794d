namespace Kabar.Common;

/// <summary>
/// The one folder Kabar writes to: <c>Kabar:DataPath</c>, by default <c>data/</c> beside the
/// application. Every relative data path (the SQLite file of <c>ConnectionStrings:Kabar</c>,
/// <c>Kabar:Email:OutboxPath</c>, <c>Kabar:Exports:Path</c>) is resolved under it, so a service
/// needs exactly one writable folder whatever its working directory (docs/deploying.md).
/// </summary>
public sealed class DataFolder
{
    public const string Key = "Kabar:DataPath";
    public const string DefaultName = "data";

    public DataFolder(string root) => Root = Path.GetFullPath(root);

    /// <summary>The absolute data folder.</summary>
    public string Root { get; }

    /// <summary>An absolute path as given; a relative one under <see cref="Root"/>.</summary>
    public string Resolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(Root, path));
    }

    /// <summary>
    /// <c>Kabar:DataPath</c> from configuration; a relative value is taken under the content root
    /// (the application's folder).
    /// </summary>
    public static DataFolder From(IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[Key];
        var path = string.IsNullOrWhiteSpace(configured) ? DefaultName : configured;
        return new DataFolder(Path.IsPathRooted(path) ? path : Path.Combine(contentRoot, path));
    }
}

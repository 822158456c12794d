namespace Kabar.SiCantik;

/// <summary>A sync that could not read SiCantik's lists to the end; what it did read is recorded.</summary>
internal sealed class SiCantikSyncException(string summary) : Exception(summary);

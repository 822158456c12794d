namespace Kabar.Simulator;

/// <summary>
/// What a SiCantik endpoint answers: a status and a body that is null (nothing at all, as after a
/// PHP fatal error), one <see cref="SiCantikRow"/> (an object such as the error) or a list of rows.
/// </summary>
internal sealed record SiCantikReply(int Status, object? Body)
{
    public const string NoData = "Tidak ada data..";

    public static SiCantikReply Empty(int status) => new(status, null);

    public static SiCantikReply Error(string message) => new(404, new SiCantikRow { { "error", message } });

    public static SiCantikReply Rows(IReadOnlyList<SiCantikRow> rows) => rows.Count == 0 ? Error(NoData) : new(200, rows);
}

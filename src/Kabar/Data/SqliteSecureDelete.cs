using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Kabar.Data;

/// <summary>
/// Turns SQLite's <c>secure_delete</c> on for each connection Kabar opens (the setting lives per
/// connection, not in the file): deleted content, in tables and indexes alike, is overwritten with
/// zeros instead of staying readable in free space and on freed pages. Cost: the freed bytes are
/// written (zeros) rather than left; see docs/data-subject-requests.md.
/// </summary>
internal sealed class SqliteSecureDelete : DbConnectionInterceptor
{
    public static readonly SqliteSecureDelete Instance = new();

    private const string Pragma = "PRAGMA secure_delete = ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

using System.Data.Common;
using System.Globalization;
using System.Text;
using Kabar.Data;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Kabar.Statuses;

/// <summary>
/// The intake's own connection, open for as long as commits succeed, with one prepared
/// <c>INSERT</c> per group size: a commit is then the statement and nothing else, no scope,
/// context, pooled open or statement preparation each time (all posts wait for each commit
/// in turn). Values are typed by EF Core's own mappings, so times are stored as EF Core
/// stores them.
/// </summary>
internal sealed class InboxWriter(AsyncServiceScope scope, KabarDbContext db) : IAsyncDisposable
{
    /// <summary>Groups up to this many posts keep their prepared statement; larger ones (small posts in a flood) make theirs each time.</summary>
    private const int KeptSizes = 32;

    private static readonly string[] Columns =
        [nameof(WebhookInboxPost.ReceivedAt), nameof(WebhookInboxPost.Body), nameof(WebhookInboxPost.BodyEncoding), nameof(WebhookInboxPost.Statuses)];

    /// <summary>Where <see cref="WebhookInboxPost.Body"/> stands in <see cref="Columns"/>.</summary>
    private const int BodyColumn = 1;

    private readonly Dictionary<int, DbCommand> commands = [];
    private readonly RelationalTypeMapping[] mappings = [.. Columns.Select(c =>
        db.Model.FindEntityType(typeof(WebhookInboxPost))!.FindProperty(c)!.GetRelationalTypeMapping())];

    public static async Task<InboxWriter> OpenAsync(IServiceScopeFactory scopes, CancellationToken ct)
    {
        var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        try
        {
            await db.Database.OpenConnectionAsync(ct);
            return new InboxWriter(scope, db);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    /// <summary>One statement for the whole group: committed whole or not at all, without a transaction's round trips.</summary>
    public async Task InsertAsync(List<StatusIntake.Post> group, CancellationToken ct)
    {
        var kept = group.Count <= KeptSizes;
        if (!commands.TryGetValue(group.Count, out var command))
        {
            command = await CreateAsync(group.Count, prepare: kept, ct);
            if (kept)
            {
                commands[group.Count] = command;
            }
        }

        try
        {
            Bind(command, group);
            await command.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            if (!kept)
            {
                await command.DisposeAsync();
            }
            else
            {
                // A kept statement must not hold the group's bodies until its size comes again.
                for (var i = 0; i < group.Count; i++)
                {
                    command.Parameters[(i * Columns.Length) + BodyColumn].Value = DBNull.Value;
                }
            }
        }
    }

    private void Bind(DbCommand command, List<StatusIntake.Post> group)
    {
        for (var i = 0; i < group.Count; i++)
        {
            var row = group[i].Row;
            object?[] values = [row.ReceivedAt, row.Body, row.BodyEncoding, row.Statuses]; // in the order of Columns
            for (var c = 0; c < values.Length; c++)
            {
                command.Parameters[(i * Columns.Length) + c].Value =
                    (mappings[c].Converter is { } converter ? converter.ConvertToProvider(values[c]) : values[c]) ?? DBNull.Value;
            }
        }
    }

    private async Task<DbCommand> CreateAsync(int rows, bool prepare, CancellationToken ct)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        var sql = new StringBuilder($"INSERT INTO \"WebhookInbox\" ({string.Join(", ", Columns.Select(c => $"\"{c}\""))}) VALUES ");
        for (var i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "(" : ", (");
            for (var c = 0; c < Columns.Length; c++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"@p{(i * Columns.Length) + c}");
                sql.Append(c == 0 ? "" : ", ").Append(name);
                command.Parameters.Add(mappings[c].CreateParameter(command, name, null, nullable: true));
            }

            sql.Append(')');
        }

        command.CommandText = sql.ToString();
        try
        {
            if (prepare)
            {
                await command.PrepareAsync(ct);
            }
        }
        catch
        {
            await command.DisposeAsync();
            throw;
        }

        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in commands.Values)
        {
            await command.DisposeAsync();
        }

        await db.Database.CloseConnectionAsync();
        await scope.DisposeAsync();
    }
}

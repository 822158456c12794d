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
/// <c>INSERT</c> per group size and table: a commit is then a statement or two and nothing else,
/// no scope, context, pooled open or statement preparation each time (all posts wait for each
/// commit in turn). A post of one status goes straight to <c>WhatsAppStatusEvents</c> (each
/// (wamid, status) once, <c>ON CONFLICT DO NOTHING</c> as <see cref="StatusEventStore"/> does);
/// larger posts go to the webhook inbox for the <see cref="StatusExpander"/>. Values are typed by
/// EF Core's own mappings, so they are stored as EF Core stores them.
/// </summary>
internal sealed class InboxWriter(AsyncServiceScope scope, KabarDbContext db) : IAsyncDisposable
{
    /// <summary>Groups up to this many rows keep their prepared statement; larger ones (small posts in a flood) make theirs each time.</summary>
    private const int KeptSizes = 32;

    private readonly bool sqlite = db.Database.IsSqlite();

    private readonly Statement posts = new(db, typeof(WebhookInboxPost), "WebhookInbox",
        [nameof(WebhookInboxPost.ReceivedAt), nameof(WebhookInboxPost.Body), nameof(WebhookInboxPost.BodyEncoding), nameof(WebhookInboxPost.Statuses)],
        "", bodyColumn: 1);

    private readonly Statement statuses = new(db, typeof(WhatsAppStatusEvent), "WhatsAppStatusEvents", StatusEventStore.Columns,
        """ ON CONFLICT ("Wamid", "Status") DO NOTHING""", bodyColumn: -1);

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

    /// <summary>
    /// The whole group, committed whole or not at all: its status rows and its posts, each table's
    /// in one statement (on SQLite one per row), in one transaction whenever that is more than one
    /// statement.
    /// </summary>
    public async Task InsertAsync(List<StatusIntake.Post> group, CancellationToken ct)
    {
        var bodies = new List<object?[]>(group.Count);
        var events = new List<object?[]>(group.Count);
        foreach (var post in group)
        {
            if (post.Status is { } status)
            {
                events.Add(StatusEventStore.Row(status));
            }
            else
            {
                var row = post.Row!;
                bodies.Add([row.ReceivedAt, row.Body, row.BodyEncoding, row.Statuses]); // in the order of the posts' columns
            }
        }

        if (events.Count > 1 && !sqlite)
        {
            // Two writers (two processes) take the unique index's row locks in one order.
            events.Sort(static (a, b) => StatusEventStore.KeyOrder(a, b));
        }

        var connection = db.Database.GetDbConnection();
        await using var tx = (bodies.Count > 0 && events.Count > 0) || (sqlite && bodies.Count + events.Count > 1)
            ? await connection.BeginTransactionAsync(ct)
            : null;
        await posts.ExecuteAsync(connection, tx, bodies, ct);
        await statuses.ExecuteAsync(connection, tx, events, ct);
        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await posts.DisposeAsync();
        await statuses.DisposeAsync();
        await db.Database.CloseConnectionAsync();
        await scope.DisposeAsync();
    }

    /// <summary>A multi-row <c>INSERT</c> into one table, prepared once per row count up to <see cref="KeptSizes"/>.</summary>
    private sealed class Statement(KabarDbContext db, Type entity, string table, string[] columns, string suffix, int bodyColumn) : IAsyncDisposable
    {
        private readonly Dictionary<int, DbCommand> commands = [];
        private readonly bool sqlite = db.Database.IsSqlite();
        private readonly RelationalTypeMapping[] mappings = [.. columns.Select(c =>
            db.Model.FindEntityType(entity)!.FindProperty(c)!.GetRelationalTypeMapping())];

        public async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, List<object?[]> rows, CancellationToken ct)
        {
            if (rows.Count == 0)
            {
                return;
            }

            // SQLite binds each parameter by looking its name up among all the statement's names,
            // so a statement of many rows costs the square of its parameters: there one row is
            // bound and run at a time, in the caller's transaction.
            var perStatement = sqlite ? 1 : rows.Count;
            var kept = perStatement <= KeptSizes;
            if (!commands.TryGetValue(perStatement, out var command))
            {
                command = await CreateAsync(connection, perStatement, prepare: kept, ct);
                if (kept)
                {
                    commands[perStatement] = command;
                }
            }

            try
            {
                command.Transaction = tx;
                for (var first = 0; first < rows.Count; first += perStatement)
                {
                    for (var i = 0; i < perStatement; i++)
                    {
                        for (var c = 0; c < columns.Length; c++)
                        {
                            var value = rows[first + i][c];
                            command.Parameters[(i * columns.Length) + c].Value =
                                (mappings[c].Converter is { } converter ? converter.ConvertToProvider(value) : value) ?? DBNull.Value;
                        }
                    }

                    await command.ExecuteNonQueryAsync(ct);
                }
            }
            finally
            {
                if (!kept)
                {
                    await command.DisposeAsync();
                }
                else
                {
                    command.Transaction = null;
                    if (bodyColumn >= 0)
                    {
                        // A kept statement must not hold the group's bodies until its size comes again.
                        for (var i = 0; i < perStatement; i++)
                        {
                            command.Parameters[(i * columns.Length) + bodyColumn].Value = DBNull.Value;
                        }
                    }
                }
            }
        }

        private async Task<DbCommand> CreateAsync(DbConnection connection, int rows, bool prepare, CancellationToken ct)
        {
            var command = connection.CreateCommand();
            var sql = new StringBuilder($"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ");
            for (var i = 0; i < rows; i++)
            {
                sql.Append(i == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Length; c++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"@p{(i * columns.Length) + c}");
                    sql.Append(c == 0 ? "" : ", ").Append(name);
                    command.Parameters.Add(mappings[c].CreateParameter(command, name, null, nullable: true));
                }

                sql.Append(')');
            }

            command.CommandText = sql.Append(suffix).ToString();
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
        }
    }
}

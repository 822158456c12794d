using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Update;
using Npgsql;
using NpgsqlTypes;

namespace Kabar.Data;

/// <summary>
/// Writes a unit of work's inserts and updates with one statement text per table and column
/// set, instead of EF Core's update pipeline. The dispatcher and the status worker write hundreds
/// of rows of the same few shapes per pass; there EF Core's per-row command building was about
/// half of the CPU a message cost, and on SQLite it ran inside the one write turn every number
/// and webhook waits for. On SQLite each shape is prepared once and run row after row (SQLite
/// would otherwise parse and plan every statement of a batch anew); on PostgreSQL each shape is
/// one statement over arrays (<c>unnest</c>), one value array per column, and all of them go in
/// one round trip as a <see cref="DbBatch"/>: one statement per row cost PostgreSQL a statement's
/// start-up for every row, most of its time per message when the dispatcher sends.
/// Same rules as EF Core: values through each property's type mapping and converter, every
/// concurrency token checked (a lost race throws <see cref="DbUpdateConcurrencyException"/> and
/// nothing of the unit is written), principals inserted before their dependents, one transaction.
/// Anything it does not handle (deletions, owned or complex types, inheritance, values the
/// database makes that would have to be read back) is left to EF Core: <see cref="CanSave"/> says which.
/// </summary>
internal static partial class BatchSave
{
    /// <summary>True when every pending change is an insert or update this writer handles.</summary>
    public static bool CanSave(List<EntityEntry> entries)
    {
        var added = entries.Where(e => e.State == EntityState.Added).Select(e => e.Metadata).ToHashSet();
        foreach (var entry in entries)
        {
            var shape = Shape.Of(entry.Metadata);
            if (entry.State is not (EntityState.Added or EntityState.Modified) || !shape.Handled
                || (entry.State == EntityState.Added && !shape.Insertable))
            {
                return false;
            }

            // A key the database makes (a row id) that another new row of this save points at.
            if (entry.State == EntityState.Added && shape.Properties.Any(Values(entry).HasTemporaryValue)
                && added.Any(t => t.GetForeignKeys().Any(fk => fk.PrincipalEntityType == entry.Metadata)))
            {
                return false;
            }
        }

        return Order(added) is not null;
    }

    /// <summary>Writes the changes <see cref="CanSave"/> accepted, in a transaction of its own; the caller holds the write turn.</summary>
    public static async Task SaveAsync(DbContext db, List<EntityEntry> entries, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        // Batches (PostgreSQL) take positional $1… placeholders with unnamed parameters, which the
        // driver sends as they are; named ones it would parse and rewrite for every row.
        var positional = connection.CanCreateBatch;
        var rows = new List<Row>(entries.Count);
        foreach (var type in Order(entries.Where(e => e.State == EntityState.Added).Select(e => e.Metadata).ToHashSet())!)
        {
            foreach (var entry in entries.Where(e => e.State == EntityState.Added && e.Metadata == type))
            {
                rows.Add(Shape.Of(type).InsertRow(entry, positional));
            }
        }

        // Updates too go principals first (a notice before its attempts), whatever order the rows
        // were read in: every writer then takes a notice's row lock before its attempts', so a
        // dispatcher pass recording answers and a status batch that change the same notice and
        // attempt wait for each other instead of deadlocking (PostgreSQL, docs/reliability.md).
        var modified = entries.Where(e => e.State == EntityState.Modified).ToList();
        var modifiedTypes = modified.Select(e => e.Metadata).ToHashSet();
        foreach (var type in Order(modifiedTypes) ?? [.. modifiedTypes])
        {
            foreach (var entry in modified.Where(e => e.Metadata == type))
            {
                if (Shape.Of(type).UpdateRow(entry, positional) is { } row)
                {
                    rows.Add(row);
                }
            }
        }

        // Inside the caller's transaction when one is open (it commits); else in one of its own.
        var outer = db.Database.CurrentTransaction;
        await using var own = outer is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var transaction = (outer ?? own)!.GetDbTransaction();
        if (positional)
        {
            await RunAsArraysAsync(connection, transaction, rows, ct);
        }
        else
        {
            await RunPreparedAsync(connection, transaction, rows, ct);
        }

        if (own is not null)
        {
            await own.CommitAsync(ct);
        }
    }

    /// <summary>
    /// One row's statement and its values, in placeholder order; for an update, the first
    /// <paramref name="Set"/> values are the new ones, then the key values, then the tokens.
    /// </summary>
    private sealed record Row(EntityEntry Entry, string Sql, (IProperty Property, object? Value)[] Values, bool ExpectOne, int Set = 0);

    private static async Task RunPreparedAsync(DbConnection connection, DbTransaction transaction, List<Row> rows, CancellationToken ct)
    {
        var commands = new Dictionary<string, DbCommand>(StringComparer.Ordinal);
        try
        {
            foreach (var row in rows)
            {
                if (!commands.TryGetValue(row.Sql, out var command))
                {
                    command = connection.CreateCommand();
                    command.CommandText = row.Sql;
                    command.Transaction = transaction;
                    commands[row.Sql] = command;
                    AddParameters(command, command.Parameters, row, positional: false);
                }
                else
                {
                    // The same statement has the same properties in the same order: only the values
                    // change. A parameter per value, and its name, were 8 % of what a dispatched
                    // message allocated.
                    for (var i = 0; i < row.Values.Length; i++)
                    {
                        command.Parameters[i].Value = ProviderValue(row.Values[i].Property, row.Values[i].Value);
                    }
                }

                Check(row, await command.ExecuteNonQueryAsync(ct));
            }
        }
        finally
        {
            foreach (var command in commands.Values)
            {
                await command.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Rows of one shape (the same statement) as one statement over a value array per column, every
    /// shape in one batch, in the order the shapes first come (principals before dependents).
    /// An update checks each row's key and tokens as the single-row statement would; the rows
    /// it changed must be all of them, or the unit of work is retried.
    /// </summary>
    private static async Task RunAsArraysAsync(DbConnection connection, DbTransaction transaction, List<Row> rows, CancellationToken ct)
    {
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        await using var factory = connection.CreateCommand();
        var groups = rows.GroupBy(r => r.Sql, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        foreach (var group in groups)
        {
            var command = batch.CreateBatchCommand();
            if (group.Count == 1)
            {
                command.CommandText = group[0].Sql;
                AddParameters(factory, command.Parameters, group[0], positional: true);
            }
            else
            {
                if (group[0].ExpectOne)
                {
                    // In key order: PostgreSQL updates them in the arrays' order (a nested loop
                    // over the key's index), so two writers updating the same rows lock them in
                    // the same order instead of deadlocking.
                    group.Sort((a, b) => Comparer<object?>.Default.Compare(a.Values[a.Set].Value, b.Values[b.Set].Value));
                }

                command.CommandText = group[0].ExpectOne ? UpdateFromArrays(group[0]) : InsertFromArrays(group[0]);
                for (var c = 0; c < group[0].Values.Length; c++)
                {
                    command.Parameters.Add(ArrayParameter(factory, group, c));
                }
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(ct);
        for (var i = 0; i < groups.Count; i++)
        {
            if (groups[i][0].ExpectOne && batch.BatchCommands[i].RecordsAffected != groups[i].Count)
            {
                Check(groups[i][0], 0);
            }
        }
    }

    /// <summary>Column <paramref name="c"/> of every row, stored as EF Core stores it (through the property's converter).</summary>
    private static DbParameter ArrayParameter(DbCommand factory, List<Row> group, int c)
    {
        var property = group[0].Values[c].Property;
        var mapping = property.GetRelationalTypeMapping();
        var converter = mapping.Converter;
        var element = converter?.ProviderClrType ?? property.ClrType;
        if (element.IsValueType && Nullable.GetUnderlyingType(element) is null)
        {
            element = typeof(Nullable<>).MakeGenericType(element);
        }

        var values = Array.CreateInstance(element, group.Count);
        for (var r = 0; r < group.Count; r++)
        {
            var value = group[r].Values[c].Value;
            values.SetValue(value is null ? null : converter is null ? value : converter.ConvertToProvider(value), r);
        }

        var parameter = factory.CreateParameter();
        parameter.Value = values;
        if (parameter is NpgsqlParameter npgsql && mapping is { StoreTypeNameBase: "timestamp with time zone" or "timestamptz" })
        {
            // As EF Core does: a DateTime that is not UTC is refused, never shifted by the session's time zone.
            npgsql.NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz;
        }

        return parameter;
    }

    private static string Cast(IProperty property, int i) => $"${i + 1}::{property.GetColumnType()}[]";

    private static string InsertFromArrays(Row row)
    {
        var sql = new StringBuilder("INSERT INTO ").Append(Shape.Of(row.Entry.Metadata).Table).Append(" (");
        sql.AppendJoin(", ", row.Values.Select(v => Column(v.Property))).Append(") SELECT * FROM unnest(");
        sql.AppendJoin(", ", row.Values.Select((v, i) => Cast(v.Property, i))).Append(')');
        return sql.ToString();
    }

    private static string UpdateFromArrays(Row row)
    {
        // unnest(…) AS v(c0, c1, …): the set values, then the keys and tokens as they were read.
        var sql = new StringBuilder("UPDATE ").Append(Shape.Of(row.Entry.Metadata).Table).Append(" AS t SET ");
        sql.AppendJoin(", ", row.Values.Take(row.Set).Select((v, i) => $"{Column(v.Property)} = v.c{i}"));
        sql.Append(" FROM unnest(");
        sql.AppendJoin(", ", row.Values.Select((v, i) => Cast(v.Property, i)));
        sql.Append(") AS v(").AppendJoin(", ", row.Values.Select((_, i) => $"c{i}")).Append(") WHERE ");
        sql.AppendJoin(" AND ", row.Values.Skip(row.Set).Select((v, i) => $"t.{Column(v.Property)} = v.c{row.Set + i}"));
        return sql.ToString();
    }

    private static void AddParameters(DbCommand factory, DbParameterCollection parameters, Row row, bool positional)
    {
        for (var i = 0; i < row.Values.Length; i++)
        {
            var (property, value) = row.Values[i];
            parameters.Add(property.GetRelationalTypeMapping().CreateParameter(factory, positional ? "" : Placeholder(i, false), value, property.IsNullable));
        }
    }

    /// <summary>
    /// The value as <see cref="RelationalTypeMapping.CreateParameter"/> sets it: through the
    /// property's converter, null as <see cref="DBNull"/>. Enough for SQLite, whose type mappings
    /// configure nothing else on a parameter; PostgreSQL's set its type from the value, so its
    /// parameters are always made by the mapping.
    /// </summary>
    private static object ProviderValue(IProperty property, object? value) =>
        (value is null ? null : property.GetRelationalTypeMapping().Converter is { } converter ? converter.ConvertToProvider(value) : value)
        ?? DBNull.Value;

    private static string Placeholder(int i, bool positional) => positional ? $"${i + 1}" : $"@p{i}";

    private static void Check(Row row, int affected)
    {
        if (row.ExpectOne && affected != 1)
        {
            // Someone changed or removed the row since it was read: the whole unit of work is retried.
            throw new DbUpdateConcurrencyException(
                $"The {row.Entry.Metadata.ClrType.Name} row was changed by another writer since it was read.");
        }
    }

    /// <summary>
    /// The types with every principal before its dependents, and those of one rank by name, so
    /// every save orders the same types the same way; null when they refer to each other in a
    /// circle (or to themselves).
    /// </summary>
    private static List<IEntityType>? Order(HashSet<IEntityType> types)
    {
        var order = new List<IEntityType>();
        var left = types.ToHashSet();
        while (left.Count > 0)
        {
            var ready = left.Where(t => !t.GetForeignKeys().Any(fk => left.Contains(fk.PrincipalEntityType)))
                .OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
            if (ready.Count == 0)
            {
                return null;
            }

            order.AddRange(ready);
            left.ExceptWith(ready);
        }

        return order;
    }

    /// <summary>
    /// The tracked values of an entry, read without a <see cref="PropertyEntry"/> per property: the
    /// <see cref="IUpdateEntry"/> view EF Core's own providers write through, which
    /// <see cref="EntityEntry"/> exposes only as its infrastructure. The provider-matrix tests
    /// cover it, so an EF Core release that changed it would fail them.
    /// </summary>
// EF1001, CA1859: the internal entry is read only through its public IUpdateEntry interface, never as its own type.
#pragma warning disable EF1001, CA1859
    private static IUpdateEntry Values(EntityEntry entry) => (IUpdateEntry)entry.GetInfrastructure();
#pragma warning restore EF1001, CA1859

    private static string Column(IProperty property) => Shape.Of((IEntityType)property.DeclaringType).Column(property);
}

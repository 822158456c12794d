using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Update;

namespace Kabar.Data;

internal static partial class BatchSave
{
    /// <summary>
    /// What the writer needs of one entity type, worked out once per model: its properties in
    /// order, their quoted column names, and one statement text per set of columns. A pass writes
    /// hundreds of rows of the same few shapes; building the text and the column names again for
    /// every row was a tenth of what the dispatcher allocated per message.
    /// </summary>
    private sealed class Shape
    {
        /// <summary>Column sets are kept as a bit per property: more properties than this go to EF Core.</summary>
        private const int MaxProperties = 128;

        private static readonly ConditionalWeakTable<IEntityType, Shape> Shapes = [];
        private readonly Dictionary<IProperty, string> columns = [];
        private readonly ConcurrentDictionary<(bool Update, bool Positional, UInt128 Columns), string> statements = new();
        private readonly bool[] isKey;
        private readonly IReadOnlyList<IProperty> keys;
        private readonly IProperty[] tokens;

        private Shape(IEntityType type)
        {
            Properties = [.. type.GetProperties()];
            Table = type.GetSchema() is { } schema ? $"{Quote(schema)}.{Quote(type.GetTableName()!)}" : Quote(type.GetTableName() ?? type.Name);
            foreach (var property in Properties)
            {
                if (property.GetColumnName() is { } name)
                {
                    columns[property] = Quote(name);
                }
            }

            keys = type.FindPrimaryKey()?.Properties ?? [];
            isKey = [.. Properties.Select(p => p.IsPrimaryKey())];
            tokens = [.. Properties.Where(p => p.IsConcurrencyToken)];
            Handled = keys.Count > 0 && Properties.Length <= MaxProperties && !type.IsOwned() && !type.GetComplexProperties().Any()
                && type.GetTableName() is not null && type.BaseType is null && !type.GetDerivedTypes().Any();
            // Values the database makes (defaults, computed columns) are EF Core's to read back.
            Insertable = !Properties.Any(p => !p.IsPrimaryKey()
                && (p.ValueGenerated != ValueGenerated.Never || p.GetDefaultValueSql() is not null || p.GetComputedColumnSql() is not null));
        }

        public IProperty[] Properties { get; }

        /// <summary>The quoted table name, with its schema when it has one.</summary>
        public string Table { get; }

        /// <summary>A table of its own, a key, no owned, complex or inherited parts.</summary>
        public bool Handled { get; }

        /// <summary>No value of a new row is made by the database.</summary>
        public bool Insertable { get; }

        public static Shape Of(IEntityType type) => Shapes.GetValue(type, static t => new Shape(t));

        public string Column(IProperty property) => columns[property];

        /// <summary>Every column with a value (a key the database makes is left out).</summary>
        public Row InsertRow(EntityEntry entry, bool positional)
        {
            var values = Values(entry);
            UInt128 set = 0;
            for (var i = 0; i < Properties.Length; i++)
            {
                if (columns.ContainsKey(Properties[i]) && !values.HasTemporaryValue(Properties[i]))
                {
                    set |= UInt128.One << i;
                }
            }

            var row = new (IProperty Property, object? Value)[(int)UInt128.PopCount(set)];
            Fill(row, set, values);
            var sql = statements.GetOrAdd((false, positional, set), static (_, r) =>
            {
                var sql = new StringBuilder("INSERT INTO ").Append(r.Shape.Table).Append(" (");
                sql.AppendJoin(", ", r.Row.Select(v => r.Shape.columns[v.Property])).Append(") VALUES (");
                sql.AppendJoin(", ", r.Row.Select((_, i) => Placeholder(i, r.Positional))).Append(')');
                return sql.ToString();
            }, (Shape: this, Row: row, Positional: positional));
            return new Row(entry, sql, row, ExpectOne: false);
        }

        /// <summary>The modified columns, where the key and every concurrency token still hold their original values; null when nothing changed.</summary>
        public Row? UpdateRow(EntityEntry entry, bool positional)
        {
            var values = Values(entry);
            UInt128 changed = 0;
            for (var i = 0; i < Properties.Length; i++)
            {
                if (!isKey[i] && values.IsModified(Properties[i]))
                {
                    changed |= UInt128.One << i;
                }
            }

            if (changed == 0)
            {
                return null;
            }

            // Sized once: a list grown per row, then copied, was a twentieth of a message's allocations.
            var set = (int)UInt128.PopCount(changed);
            var row = new (IProperty Property, object? Value)[set + keys.Count + tokens.Length];
            Fill(row, changed, values);
            var at = set;
            foreach (var p in keys)
            {
                row[at++] = (p, values.GetOriginalValue(p));
            }

            foreach (var p in tokens)
            {
                row[at++] = (p, values.GetOriginalValue(p));
            }

            var sql = statements.GetOrAdd((true, positional, changed), static (_, r) =>
            {
                var i = 0;
                var sql = new StringBuilder("UPDATE ").Append(r.Shape.Table).Append(" SET ");
                sql.AppendJoin(", ", r.Row.Take(r.Set).Select(v => $"{r.Shape.columns[v.Property]} = {Placeholder(i++, r.Positional)}"));
                sql.Append(" WHERE ");
                sql.AppendJoin(" AND ", r.Row.Skip(r.Set).Select(v => $"{r.Shape.columns[v.Property]} = {Placeholder(i++, r.Positional)}"));
                return sql.ToString();
            }, (Shape: this, Row: row, Set: set, Positional: positional));
            return new Row(entry, sql, row, ExpectOne: true, Set: set);
        }

        /// <summary>The properties in <paramref name="columns"/> (a bit per property), in order, with their current values, from the row's start.</summary>
        private void Fill((IProperty Property, object? Value)[] row, UInt128 columns, IUpdateEntry values)
        {
            var at = 0;
            for (var i = 0; i < Properties.Length; i++)
            {
                if ((columns & (UInt128.One << i)) != 0)
                {
                    row[at++] = (Properties[i], values.GetCurrentValue(Properties[i]));
                }
            }
        }

        private static string Quote(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}

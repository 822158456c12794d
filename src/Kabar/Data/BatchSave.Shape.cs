using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

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
            var row = new List<(IProperty, object?)>(Properties.Length);
            UInt128 set = 0;
            for (var i = 0; i < Properties.Length; i++)
            {
                var property = Properties[i];
                if (columns.ContainsKey(property) && !values.HasTemporaryValue(property))
                {
                    set |= UInt128.One << i;
                    row.Add((property, values.GetCurrentValue(property)));
                }
            }

            var sql = statements.GetOrAdd((false, positional, set), static (_, r) =>
            {
                var sql = new StringBuilder("INSERT INTO ").Append(r.Shape.Table).Append(" (");
                sql.AppendJoin(", ", r.Row.Select(v => r.Shape.columns[v.Item1])).Append(") VALUES (");
                sql.AppendJoin(", ", r.Row.Select((_, i) => Placeholder(i, r.Positional))).Append(')');
                return sql.ToString();
            }, (Shape: this, Row: row, Positional: positional));
            return new Row(entry, sql, [.. row], ExpectOne: false);
        }

        /// <summary>The modified columns, where the key and every concurrency token still hold their original values; null when nothing changed.</summary>
        public Row? UpdateRow(EntityEntry entry, bool positional)
        {
            var values = Values(entry);
            var row = new List<(IProperty, object?)>(Properties.Length);
            UInt128 changed = 0;
            for (var i = 0; i < Properties.Length; i++)
            {
                var property = Properties[i];
                if (!isKey[i] && values.IsModified(property))
                {
                    changed |= UInt128.One << i;
                    row.Add((property, values.GetCurrentValue(property)));
                }
            }

            if (row.Count == 0)
            {
                return null;
            }

            var set = row.Count;
            row.AddRange(keys.Concat(tokens).Select(p => (p, values.GetOriginalValue(p))));
            var sql = statements.GetOrAdd((true, positional, changed), static (_, r) =>
            {
                var i = 0;
                var sql = new StringBuilder("UPDATE ").Append(r.Shape.Table).Append(" SET ");
                sql.AppendJoin(", ", r.Row.Take(r.Set).Select(v => $"{r.Shape.columns[v.Item1]} = {Placeholder(i++, r.Positional)}"));
                sql.Append(" WHERE ");
                sql.AppendJoin(" AND ", r.Row.Skip(r.Set).Select(v => $"{r.Shape.columns[v.Item1]} = {Placeholder(i++, r.Positional)}"));
                return sql.ToString();
            }, (Shape: this, Row: row, Set: set, Positional: positional));
            return new Row(entry, sql, [.. row], ExpectOne: true, Set: set);
        }

        private static string Quote(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}

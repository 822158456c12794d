using System.Globalization;
using System.Linq.Expressions;

namespace Kabar.Common;

/// <summary>Where a newest-first page ended: the time and id of its last row, written <c>{ticks}_{id}</c>.</summary>
public readonly record struct KeysetCursor(DateTime At, Guid Id)
{
    public static bool TryParse(string? text, out KeysetCursor cursor)
    {
        cursor = default;
        if (text?.Split('_') is not [var ticksText, var idText]
            || !long.TryParse(ticksText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks)
            || !Guid.TryParse(idText, out var id))
        {
            return false;
        }

        cursor = new KeysetCursor(new DateTime(ticks, DateTimeKind.Utc), id);
        return true;
    }

    public override string ToString() => $"{At.Ticks.ToString(CultureInfo.InvariantCulture)}_{Id}";
}

/// <summary>
/// Filtered lists, newest first, paged by keyset (time, then id) rather than by offset, so a page
/// stays right while rows are added. Fetch <see cref="Page"/> (one row more than the page), then
/// <see cref="Cut"/> it into the rows shown and the cursor of the next page.
/// </summary>
public static class KeysetPaging
{
    /// <summary>The <c>after</c> query value as a cursor; a value that is not one is an error on the field.</summary>
    public static KeysetCursor? ReadCursor(string? after, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (after is null)
        {
            return null;
        }

        if (KeysetCursor.TryParse(after, out var cursor))
        {
            return cursor;
        }

        errors.Add("after", "Use the 'next' value of the previous page.");
        return null;
    }

    /// <summary>The <c>limit</c> query value: 50 when left out, else 1 to 200.</summary>
    public static int ReadLimit(int? limit, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var take = limit ?? 50;
        if (take is < 1 or > 200)
        {
            errors.Add("limit", "Between 1 and 200.");
        }

        return take;
    }

    /// <summary>The rows after <paramref name="cursor"/>, newest first by <paramref name="at"/> then <paramref name="id"/>: <paramref name="size"/> + 1 of them.</summary>
    public static IQueryable<T> Page<T>(this IQueryable<T> query, Expression<Func<T, DateTime>> at, Expression<Func<T, Guid>> id,
        KeysetCursor? cursor, int size)
    {
        ArgumentNullException.ThrowIfNull(at);
        ArgumentNullException.ThrowIfNull(id);
        if (cursor is { } c)
        {
            query = query.Where(Before(at, id, new Key(c.At, c.Id)));
        }

        return query.OrderByDescending(at).ThenByDescending(id).Take(size + 1);
    }

    /// <summary>The first <paramref name="size"/> rows of a fetched <see cref="Page"/>, and the next page's cursor when there is more.</summary>
    public static (List<T> Rows, string? Next) Cut<T>(List<T> fetched, int size, Func<T, KeysetCursor> key)
    {
        ArgumentNullException.ThrowIfNull(fetched);
        ArgumentNullException.ThrowIfNull(key);
        return fetched.Count > size ? (fetched.Take(size).ToList(), key(fetched[size - 1]).ToString()) : (fetched, null);
    }

    /// <summary>
    /// The rows whose <paramref name="at"/> is from <paramref name="from"/> (inclusive) to
    /// <paramref name="to"/> (exclusive), each bound taken as UTC; a bound left out does not filter.
    /// </summary>
    public static IQueryable<T> Within<T>(this IQueryable<T> query, Expression<Func<T, DateTime>> at, DateTime? from, DateTime? to)
    {
        ArgumentNullException.ThrowIfNull(at);
        if (from is { } f)
        {
            query = query.Where(Compare(at, new Bound(f.ToUniversalTime()), Expression.GreaterThanOrEqual));
        }

        if (to is { } t)
        {
            query = query.Where(Compare(at, new Bound(t.ToUniversalTime()), Expression.LessThan));
        }

        return query;
    }

    /// <summary>The cursor's values, read through a member so the query sends them as parameters.</summary>
    private sealed record Key(DateTime At, Guid Id);

    /// <summary>A time bound, read through a member like <see cref="Key"/>.</summary>
    private sealed record Bound(DateTime At);

    private static Expression<Func<T, bool>> Compare<T>(Expression<Func<T, DateTime>> at, Bound bound,
        Func<Expression, Expression, BinaryExpression> compare) =>
        Expression.Lambda<Func<T, bool>>(compare(at.Body, Expression.Property(Expression.Constant(bound), nameof(Bound.At))), at.Parameters[0]);

    /// <summary><c>row =&gt; at &lt; key.At || (at == key.At &amp;&amp; id != key.Id &amp;&amp; id.CompareTo(key.Id) &lt; 0)</c>.</summary>
    private static Expression<Func<T, bool>> Before<T>(Expression<Func<T, DateTime>> at, Expression<Func<T, Guid>> id, Key key)
    {
        var row = at.Parameters[0];
        var rowAt = at.Body;
        var rowId = new Rebind(id.Parameters[0], row).Visit(id.Body);
        var keyAt = Expression.Property(Expression.Constant(key), nameof(Key.At));
        var keyId = Expression.Property(Expression.Constant(key), nameof(Key.Id));
        var compare = Expression.Call(rowId, typeof(Guid).GetMethod(nameof(Guid.CompareTo), [typeof(Guid)])!, keyId);
        var body = Expression.OrElse(
            Expression.LessThan(rowAt, keyAt),
            Expression.AndAlso(
                Expression.AndAlso(Expression.Equal(rowAt, keyAt), Expression.NotEqual(rowId, keyId)),
                Expression.LessThan(compare, Expression.Constant(0))));
        return Expression.Lambda<Func<T, bool>>(body, row);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}

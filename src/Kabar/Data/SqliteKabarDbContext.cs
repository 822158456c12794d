using Microsoft.EntityFrameworkCore;

namespace Kabar.Data;

internal sealed class SqliteKabarDbContext(DbContextOptions<SqliteKabarDbContext> options) : KabarDbContext(options);

using Microsoft.EntityFrameworkCore;

namespace Kabar.Data;

public sealed class SqliteKabarDbContext(DbContextOptions<SqliteKabarDbContext> options) : KabarDbContext(options);

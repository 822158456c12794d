using Kabar.Common;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Kabar.Data;

public sealed class EnumTextConverter<T>() : ValueConverter<T, string>(
    v => EnumText<T>.Name(v),
    v => EnumText<T>.Parse(v))
    where T : struct, Enum;

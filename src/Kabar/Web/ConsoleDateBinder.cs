using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Kabar.Web;

/// <summary>
/// Binds a date the console shows and asks for as <c>DD-MM-YYYY</c> (06-11-2026 is 6 November).
/// Staff's other usual forms are read too (<c>6-11-2026</c>, <c>06/11/2026</c>), and so is ISO
/// <c>2026-11-06</c>, so links saved before still open. Anything else is a model error on the field,
/// which the page shows in words (<see cref="AdminPageModel.DateField"/>); it never means "no date".
/// </summary>
/// <remarks>
/// The console does not use the browser's date picker: it shows the date in the browser's own
/// locale (11/06/2026 in an English browser) beside the console's 06-11-2026, which is exactly the
/// confusion a typed, hinted field avoids.
/// </remarks>
public sealed class ConsoleDateBinder : IModelBinder
{
    public const string Format = "dd-MM-yyyy";

    private static readonly string[] Accepted = [Format, "d-M-yyyy", "dd/MM/yyyy", "d/M/yyyy", "dd.MM.yyyy", "d.M.yyyy", "yyyy-MM-dd"];

    public static bool TryParse(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text?.Trim(), Accepted, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    public static string Show(DateOnly? date) => date?.ToString(Format, CultureInfo.InvariantCulture) ?? "";

    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        ArgumentNullException.ThrowIfNull(bindingContext);
        var value = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
        if (value == ValueProviderResult.None)
        {
            return Task.CompletedTask;
        }

        bindingContext.ModelState.SetModelValue(bindingContext.ModelName, value);
        var text = value.FirstValue;
        if (string.IsNullOrWhiteSpace(text))
        {
            bindingContext.Result = ModelBindingResult.Success(null);
        }
        else if (TryParse(text, out var date))
        {
            bindingContext.Result = ModelBindingResult.Success(date);
        }
        else
        {
            bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, "DD-MM-YYYY");
        }

        return Task.CompletedTask;
    }
}

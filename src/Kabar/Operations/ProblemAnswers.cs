using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Kabar.Operations;

/// <summary>A problem an endpoint answers with, kept as metadata for its OpenAPI example.</summary>
internal sealed record ProblemExample(ProblemDetails Problem);

/// <summary>
/// Documents the 4xx problems an endpoint gives (404, 409, 422…), each with an example built by
/// the same <see cref="Common.Problems"/> helpers the handler answers with, so the reference shows
/// the real shape: <c>application/problem+json</c> with type, title, status, detail and, for 422,
/// the fields and what each would accept.
/// </summary>
public static class ProblemAnswers
{
    /// <summary>The id the examples of "not found" answers use.</summary>
    public const string SampleId = "019ad0c4-5a1e-7c3b-9f2e-3d4c5b6a7980";

    public static RouteHandlerBuilder Answers(this RouteHandlerBuilder builder, params ProblemHttpResult[] problems)
    {
        foreach (var problem in problems)
        {
            _ = problem.ProblemDetails is HttpValidationProblemDetails
                ? builder.ProducesValidationProblem(problem.StatusCode)
                : builder.ProducesProblem(problem.StatusCode);
            builder.WithMetadata(new ProblemExample(problem.ProblemDetails));
        }

        return builder;
    }
}

using System.Reflection;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace BalcaoVirtual.Web.Infrastructure.Http;

/// <summary>The shapes of the API's error answers (RFC 9457 problem details, titles in Portuguese).</summary>
internal static class Problems
{
    public static ValidationProblem Validation(params (string Field, string Message)[] errors) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: Texts.ValidationTitle);
}

/// <summary>
/// A problem-details answer written as <see cref="Results.Problem(string?, string?, int?, string?, string?, IDictionary{string, object?}?)"/>
/// writes it (through the service's problem-details writer, which adds the traceId), in a type that tells the OpenAPI
/// document its status. <c>TypedResults.NotFound(problem)</c> would tell the status too, but writes the body past that writer.
/// </summary>
internal abstract class StatedProblem(int status, string title, string? detail = null, IDictionary<string, object?>? extensions = null)
    : IResult, IStatusCodeHttpResult
{
    private readonly ProblemHttpResult problem = TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);

    public int? StatusCode => problem.StatusCode;

    public Task ExecuteAsync(HttpContext httpContext) => problem.ExecuteAsync(httpContext);

    protected static void Produces(EndpointBuilder builder, params int[] statuses)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var status in statuses)
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
        }
    }
}

/// <summary>What a route names (a conversation, a unit, a message in it) does not exist (404), or is not the caller's (403).</summary>
internal sealed class Refusal : StatedProblem, IEndpointMetadataProvider
{
    private Refusal(int status, string title)
        : base(status, title)
    {
    }

    public static Refusal NotFound(string title) => new(StatusCodes.Status404NotFound, title);

    public static Refusal Forbidden() => new(StatusCodes.Status403Forbidden, Texts.AuthForbidden);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Produces(builder, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
}

/// <summary>404: what the route names (a user, a message, a label…) does not exist.</summary>
internal sealed class NotFoundProblem(string title, string? detail = null) : StatedProblem(StatusCodes.Status404NotFound, title, detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status404NotFound);
}

/// <summary>409: the request is sound but the record's state does not allow it (or another change won the race).</summary>
internal sealed class ConflictProblem(string title) : StatedProblem(StatusCodes.Status409Conflict, title), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status409Conflict);
}

/// <summary>400 that is not about one field: a whole value refused, with the reason in its extensions.</summary>
internal sealed class BadRequestProblem(string title, string detail, IDictionary<string, object?> extensions)
    : StatedProblem(StatusCodes.Status400BadRequest, title, detail, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status400BadRequest);
}

/// <summary>401 from a handler itself (wrong credentials), not from the authorization policy.</summary>
internal sealed class UnauthorizedProblem(string title) : StatedProblem(StatusCodes.Status401Unauthorized, title), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status401Unauthorized);
}

/// <summary>429 with Retry-After (set by the caller): too many failed attempts.</summary>
internal sealed class TooManyRequestsProblem(string title) : StatedProblem(StatusCodes.Status429TooManyRequests, title), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status429TooManyRequests);
}

/// <summary>503: a service the answer depends on (DataJud) is not answering; nothing was done.</summary>
internal sealed class UnavailableProblem(string title) : StatedProblem(StatusCodes.Status503ServiceUnavailable, title), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status503ServiceUnavailable);
}

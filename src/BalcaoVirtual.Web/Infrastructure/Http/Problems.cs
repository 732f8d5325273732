using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Infrastructure.Http;

/// <summary>The shapes of the API's error answers (RFC 9457 problem details, titles in Portuguese).</summary>
internal static class Problems
{
    public static IResult Validation(params (string Field, string Message)[] errors) =>
        Results.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: Texts.ValidationTitle);

    public static IResult NotFound(string title) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: title);

    public static IResult Forbidden() => Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: Texts.AuthForbidden);
}

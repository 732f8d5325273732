using System.Globalization;
using System.Reflection;
using BalcaoVirtual.Web.Features.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace BalcaoVirtual.Web.Infrastructure.Http;

/// <summary>
/// The OpenAPI document of the JSON API, at <see cref="Path"/>: every route under /api with every status its handler
/// can answer (from the typed results), plus the 401/403 of its authorization policy and the 429 of its rate limit.
/// Pages, webhooks, the dev phone and health are not in it: they answer browsers, providers and probes, not programs.
/// Anyone may read it in Development; elsewhere only administrators.
/// </summary>
internal static class ApiDocument
{
    public const string Name = "v1";
    public const string Path = "/openapi/{documentName}.json";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(Name, o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Balcão Virtual";
                document.Info.Description = "The JSON API of the service. Errors are RFC 9457 problem details with a Portuguese title.";
                // After the operations' transformers: only the feature tags they carry, not the generator's class names.
                document.Tags = new HashSet<OpenApiTag>(
                    document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).SelectMany(o => o.Tags?.AsEnumerable() ?? [])
                        .Select(t => t.Reference.Id).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                        .Select(name => new OpenApiTag { Name = name }));
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                AddGateResponses(operation, metadata);
                AddTextAnswers(operation, metadata);
                if (FeatureOf(metadata) is { } feature)
                {
                    operation.Tags = new HashSet<OpenApiTagReference> { new(feature, context.Document) };
                }

                return Task.CompletedTask;
            });
        });

    public static WebApplication MapApiDocument(this WebApplication app)
    {
        var document = app.MapOpenApi(Path);
        if (!app.Environment.IsDevelopment())
        {
            document.RequireAuthorization(AuthFeature.AdminPolicy);
        }

        return app;
    }

    /// <summary>
    /// Endpoint metadata: the answer of <paramref name="Status"/> may also be text of <paramref name="ContentType"/> (the
    /// SLA report as CSV beside its JSON). A second typed result for the same status would replace the first in the document.
    /// </summary>
    internal sealed record TextAnswer(int Status, string ContentType);

    /// <summary>The feature folder of the route's handler (Conversations, Inbox, Email…), as the operation's tag.</summary>
    private static string? FeatureOf(IList<object> metadata) =>
        metadata.OfType<MethodInfo>().FirstOrDefault()?.DeclaringType?.Namespace is { } space && space.Contains(".Features.", StringComparison.Ordinal)
            ? space[(space.LastIndexOf('.') + 1)..]
            : null;

    private static void AddTextAnswers(OpenApiOperation operation, IList<object> metadata)
    {
        foreach (var text in metadata.OfType<TextAnswer>())
        {
            if (operation.Responses?.TryGetValue(text.Status.ToString(CultureInfo.InvariantCulture), out var response) == true && response.Content is { } content)
            {
                content[text.ContentType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }
        }
    }

    /// <summary>
    /// The answers that come before the handler: 401 without a valid session, 403 when the route's policy needs a role,
    /// 429 past the route's rate limit. The handler's own answers (a unit's 403, a 404, a 409…) come from its typed results.
    /// </summary>
    internal static void AddGateResponses(OpenApiOperation operation, IList<object> metadata)
    {
        operation.Responses ??= [];
        var open = metadata.OfType<IAllowAnonymous>().Any();
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        if (!open && authorize.Count > 0)
        {
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid session: send Authorization: Bearer <token>." });
            if (authorize.Any(a => a.Policy is not null || a.Roles is not null))
            {
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The session's user lacks the role this route needs." });
            }
        }

        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            operation.Responses.TryAdd("429", new OpenApiResponse { Description = "Too many requests from this address; Retry-After says when to try again." });
        }
    }
}

using System.Security.Claims;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;
using MimeKit;

namespace BalcaoVirtual.Web.Features.Channels.Email;

/// <summary>How a mailbox's last polls went (a type name at most: no addresses of senders, no text).</summary>
public sealed record MailboxStatus(
    string Id, string? UnitId, string Name, string Address, string? LastOkAt, int Failures, string? LastError, string? LastErrorAt);

/// <summary>
/// A mail's attachments and its original (with its HTML), for the clerks of the conversation's unit. Always a
/// download, never shown inline: what a citizen sent never runs in the inbox's origin.
/// </summary>
internal static class MailEndpoints
{
    public static IEndpointRouteBuilder MapEmail(this IEndpointRouteBuilder app)
    {
        var conversations = app.MapGroup("/api/conversations").RequireAuthorization();
        conversations.MapGet("/{id}/messages/{messageId}/attachments/{index:int}", AttachmentAsync);
        conversations.MapGet("/{id}/messages/{messageId}/original", OriginalAsync);
        app.MapGet("/api/mailboxes", StatusAsync).RequireAuthorization(AuthFeature.AdminPolicy);
        return app;
    }

    private static async Task<Results<DownloadResult, Refusal>> AttachmentAsync(
        string id, string messageId, int index, ClaimsPrincipal user, ConversationStore store, MailOriginals originals, ConversationActions actions,
        CancellationToken cancellationToken)
    {
        var (mail, refusal) = await LoadAsync(id, messageId, user, store, originals, cancellationToken).ConfigureAwait(false);
        if (mail is null)
        {
            return refusal!;
        }

        if (mail.Attachments.ElementAtOrDefault(index) is not MimePart part || part.Content is null)
        {
            return Refusal.NotFound(Texts.Get("MailAttachmentNotFound"));
        }

        await actions.RecordAsync(id, user, "attachment", $"{messageId}#{index}").ConfigureAwait(false);
        var content = new MemoryStream();
        await part.Content.DecodeToAsync(content, cancellationToken).ConfigureAwait(false);
        content.Position = 0;
        return Download(content, part.ContentType.MimeType, part.FileName ?? $"anexo-{index + 1}");
    }

    private static async Task<Results<DownloadResult, Refusal>> OriginalAsync(
        string id, string messageId, ClaimsPrincipal user, ConversationStore store, MailOriginals originals, ConversationActions actions,
        CancellationToken cancellationToken)
    {
        var (mail, refusal) = await LoadAsync(id, messageId, user, store, originals, cancellationToken).ConfigureAwait(false);
        if (mail is null)
        {
            return refusal!;
        }

        // The whole mail, CPFs unmasked: recorded as a reveal is.
        await actions.RecordAsync(id, user, "original", messageId).ConfigureAwait(false);
        var content = new MemoryStream();
        await mail.WriteToAsync(content, cancellationToken).ConfigureAwait(false);
        content.Position = 0;
        return Download(content, "message/rfc822", "mensagem.eml");
    }

    private static DownloadResult Download(Stream content, string type, string fileName) =>
        new DownloadResult(Results.File(content, type, fileName));

    private static async Task<(MimeKit.MimeMessage? Mail, Refusal? Refusal)> LoadAsync(
        string id, string messageId, ClaimsPrincipal user, ConversationStore store, MailOriginals originals, CancellationToken cancellationToken)
    {
        var (conversation, refusal) = await ConversationsFeature.GuardAsync(id, user, store).ConfigureAwait(false);
        if (conversation is null)
        {
            return (null, refusal);
        }

        // Only a message of this conversation: the clerk may see the conversation, not every id they might know.
        if (await store.GetMessageAsync(conversation.Id, messageId).ConfigureAwait(false) is null)
        {
            return (null, Refusal.NotFound(Texts.Get("MailAttachmentNotFound")));
        }

        var mail = await originals.LoadAsync(conversation.Id, messageId, cancellationToken).ConfigureAwait(false);
        return mail is null ? (null, Refusal.NotFound(Texts.Get("MailAttachmentNotFound"))) : (mail, null);
    }

    /// <summary>How each mailbox's last polls went, for admins (a type name at most: no addresses, no text).</summary>
    private static async Task<Ok<List<MailboxStatus>>> StatusAsync(UnitCatalog catalog, RedisConnections redis, RedisKeys keys)
    {
        var db = redis.GetDatabase();
        var list = new List<MailboxStatus>();
        foreach (var mailbox in catalog.Mailboxes)
        {
            var fields = (await db.HashGetAllAsync(keys.MailboxStatus(mailbox.Id)).ConfigureAwait(false))
                .ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
            list.Add(new MailboxStatus(
                mailbox.Id,
                mailbox.UnitId,
                mailbox.DisplayName,
                mailbox.Address,
                fields.GetValueOrDefault("lastOkAt") is { Length: > 0 } ok ? ok : null,
                int.TryParse(fields.GetValueOrDefault("failures"), out var failures) ? failures : 0,
                fields.GetValueOrDefault("lastError") is { Length: > 0 } error ? error : null,
                fields.GetValueOrDefault("lastErrorAt") is { Length: > 0 } at ? at : null));
        }

        return TypedResults.Ok(list);
    }

    /// <summary>A file result that the browser must save, never render or sniff.</summary>
    internal sealed class DownloadResult(IResult file) : IResult, IEndpointMetadataProvider
    {
        public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(Stream), ["application/octet-stream"]));

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var headers = httpContext.Response.Headers;
            headers[HeaderNames.XContentTypeOptions] = "nosniff";
            headers[HeaderNames.ContentSecurityPolicy] = "sandbox; default-src 'none'";
            headers[HeaderNames.CacheControl] = "private, no-store";
            return file.ExecuteAsync(httpContext);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Generated.OpenAI.Http;

/// <summary>Maps an error status and body to the typed exception.</summary>
internal static class OpenAIExceptionFactory
{
    private const int MaxBodyInMessage = 2000;

    public static OpenAIException Create(int status, string? requestId, HttpResponseHeaders? headers, ReadOnlySpan<byte> body, IEnumerable<string?> secrets)
    {
        ApiErrorBody error = ApiErrorBody.Parse(body);
        // A proxy or server may echo the credential back; no exception text keeps it.
        string? rawBody = Redaction.Scrub(body.IsEmpty ? null : Encoding.UTF8.GetString(body), secrets);
        string message = Redaction.Scrub(BuildMessage(status, requestId, error, rawBody), secrets)!;
        string? errorMessage = Redaction.Scrub(error.Message, secrets);
        return status switch
        {
            400 => new BadRequestException(message, status, requestId, error.Type, error.Code, error.Param, errorMessage, rawBody) { ResponseHeaders = headers },
            401 => new AuthenticationException(message, status, requestId, error.Type, error.Code, error.Param, errorMessage, rawBody) { ResponseHeaders = headers },
            403 => new PermissionDeniedException(message, status, requestId, error.Type, error.Code, error.Param, errorMessage, rawBody) { ResponseHeaders = headers },
            404 => new NotFoundException(message, status, requestId, error.Type, error.Code, error.Param, errorMessage, rawBody) { ResponseHeaders = headers },
            409 => new ConflictException(message, status, requestId, error.Type, error.Code, error.Param, errorMessage, rawBody) { ResponseHeaders = headers },
            422 => new UnprocessableEntityException(message, status, requestId, error.Type, error.Code, error.Param, errorMessage, rawBody) { ResponseHeaders = headers },
            429 => new RateLimitException(message, status, requestId, error.Type, error.Code, error.Param, errorMessage, rawBody) { ResponseHeaders = headers },
            >= 500 => new InternalServerException(message, status, requestId, error.Type, error.Code, error.Param, errorMessage, rawBody) { ResponseHeaders = headers },
            _ => new OpenAIException(message, status, requestId, error.Type, error.Code, error.Param, errorMessage, rawBody) { ResponseHeaders = headers },
        };
    }

    private static string BuildMessage(int status, string? requestId, ApiErrorBody error, string? rawBody)
    {
        var sb = new StringBuilder("HTTP ").Append(status.ToString(CultureInfo.InvariantCulture));
        if (error.Message is not null)
        {
            sb.Append(": ").Append(error.Message);
        }
        else if (!string.IsNullOrWhiteSpace(rawBody))
        {
            sb.Append(": ").Append(rawBody.Length > MaxBodyInMessage ? string.Concat(rawBody.AsSpan(0, MaxBodyInMessage), "...") : rawBody);
        }
        if (error.Type is not null) { sb.Append(" (type: ").Append(error.Type).Append(')'); }
        if (error.Code is not null) { sb.Append(" (code: ").Append(error.Code).Append(')'); }
        if (error.Param is not null) { sb.Append(" (param: ").Append(error.Param).Append(')'); }
        if (requestId is not null) { sb.Append(" (request id: ").Append(requestId).Append(')'); }
        return sb.ToString();
    }
}

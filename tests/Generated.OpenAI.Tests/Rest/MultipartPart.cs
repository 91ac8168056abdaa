using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Generated.OpenAI.Simulator;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Generated.OpenAI.Tests.Rest;

/// <summary>One part of a recorded <c>multipart/form-data</c> body, read back with ASP.NET Core's reader.</summary>
internal sealed record MultipartPart(string Name, string? FileName, string? ContentType, byte[] Content)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Content);

    public static async Task<IReadOnlyList<MultipartPart>> ReadAllAsync(RecordedRequest request)
    {
        var contentType = MediaTypeHeaderValue.Parse(request.ContentType);
        string boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value!;
        var reader = new MultipartReader(boundary, new MemoryStream(request.Body));
        var parts = new List<MultipartPart>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            var disposition = ContentDispositionHeaderValue.Parse(section.ContentDisposition);
            using var buffer = new MemoryStream();
            await section.Body.CopyToAsync(buffer);
            parts.Add(new MultipartPart(
                HeaderUtilities.RemoveQuotes(disposition.Name).Value!,
                disposition.FileName.HasValue ? HeaderUtilities.RemoveQuotes(disposition.FileName).Value : null,
                section.ContentType,
                buffer.ToArray()));
        }
        return parts;
    }
}

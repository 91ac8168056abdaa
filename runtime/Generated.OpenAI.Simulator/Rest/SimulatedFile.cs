using System.Buffers;
using System.Text.Json;

namespace Generated.OpenAI.Simulator;

/// <summary>A file the REST simulator keeps in memory: an upload (<c>POST /files</c>) or a batch's output or error file.</summary>
internal sealed record SimulatedFile(string Id, string FileName, string Purpose, byte[] Content, long CreatedAt)
{
    /// <summary>The OpenAI file object.</summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, LenientJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id", Id);
            writer.WriteString("object", "file");
            writer.WriteNumber("bytes", Content.Length);
            writer.WriteNumber("created_at", CreatedAt);
            writer.WriteNull("expires_at");
            writer.WriteString("filename", FileName);
            writer.WriteString("purpose", Purpose);
            writer.WriteString("status", "processed");
            writer.WriteNull("status_details");
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

namespace Generated.OpenAI.Http;

/// <summary>The kinds of generated method an operation can have (see <see cref="OpenApiOperationAttribute"/>).</summary>
public enum OpenApiMethodVariant
{
    /// <summary>The call itself: typed JSON, text, or the raw response for bytes.</summary>
    Call,

    /// <summary>The <c>*StreamingAsync</c> method: server-sent events as their union type.</summary>
    Streaming,

    /// <summary>The <c>*AutoPagingAsync</c> method: every item of every page.</summary>
    AutoPaging,

    /// <summary>The <c>*TextAsync</c> method: the answer as plain text (<c>response_format</c> text, srt, vtt).</summary>
    Text,
}

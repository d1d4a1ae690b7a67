.class public final Lorg/example/traps/VoiceMemo;
.super Ljava/lang/Object;
.source "VoiceMemo.java"


# direct methods
.method public static start()Landroid/media/AudioRecord;
    .locals 6

    new-instance v0, Landroid/media/AudioRecord;

    const/4 v1, 0x1

    const v2, 0xac44

    const/16 v3, 0x10

    const/4 v4, 0x2

    const/16 v5, 0x1000

    invoke-direct/range {v0 .. v5}, Landroid/media/AudioRecord;-><init>(IIIII)V

    invoke-virtual {v0}, Landroid/media/AudioRecord;->startRecording()V

    return-object v0
.end method

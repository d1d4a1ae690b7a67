.class public Lorg/example/notes/MainActivity;
.super Landroid/app/Activity;
.source "MainActivity.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Landroid/app/Activity;-><init>()V

    return-void
.end method


# virtual methods
.method protected onCreate(Landroid/os/Bundle;)V
    .locals 2

    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V

    new-instance v0, Lorg/example/notes/NoteStore;

    invoke-direct {v0, p0}, Lorg/example/notes/NoteStore;-><init>(Landroid/content/Context;)V

    const-string v1, "hello"

    invoke-virtual {v0, v1}, Lorg/example/notes/NoteStore;->copyToClipboard(Ljava/lang/String;)V

    return-void
.end method

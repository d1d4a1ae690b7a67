.class public final Lcom/appsflyer/internal/AFEvent;
.super Ljava/lang/Object;
.source "AFEvent.java"


# instance fields
.field public final deviceId:Ljava/lang/String;


# direct methods
.method public constructor <init>(Ljava/lang/String;)V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    iput-object p1, p0, Lcom/appsflyer/internal/AFEvent;->deviceId:Ljava/lang/String;

    return-void
.end method

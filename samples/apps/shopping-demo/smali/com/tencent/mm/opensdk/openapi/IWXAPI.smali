.class public interface abstract Lcom/tencent/mm/opensdk/openapi/IWXAPI;
.super Ljava/lang/Object;
.source "IWXAPI.java"


# virtual methods
.method public abstract isWXAppInstalled()Z
.end method

.method public abstract registerApp(Ljava/lang/String;)Z
.end method
